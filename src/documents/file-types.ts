// The file types a service may send by email, and how a file's type is told: from its bytes, as
// Notify's document-download does with libmagic (here a sniffer for exactly the allowed types),
// and from the extension of the filename the sender gives.
import fileTypes from './data/file-types.json' with { type: 'json' };

const TYPES = fileTypes.types as Array<[extension: string, mimeType: string, prettyName: string]>;

export const EXTENSIONS: ReadonlySet<string> = new Set(TYPES.map(([ext]) => ext));
const MIME_TO_EXTENSION = new Map(TYPES.map(([ext, mime]) => [mime, ext]));
const EXTENSION_TO_MIME = new Map(TYPES.map(([ext, mime]) => [ext, mime]));

export const isAllowedExtension = (extension: string): boolean => EXTENSIONS.has(extension.toLowerCase());
export const isAllowedMimeType = (mimeType: string): boolean => MIME_TO_EXTENSION.has(mimeType);
export const mimeTypeFromExtension = (extension: string): string | undefined =>
  EXTENSION_TO_MIME.get(extension.toLowerCase());

/** Notify's list in its messages: "'.csv', '.doc', …", sorted as Python sorts strings. */
export const ALLOWED_FILE_TYPES_TEXT = [...EXTENSIONS]
  .map((ext) => `'.${ext}'`)
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  .join(', ');

export const unsupportedFileTypeMessage = (what: string): string =>
  `Unsupported file type '${what}'. Supported types are: ${ALLOWED_FILE_TYPES_TEXT}`;

/** The extension after the last dot (document-download's split_filename). */
export function extensionOf(filename: string): string {
  return filename.slice(filename.lastIndexOf('.') + 1);
}

const startsWith = (bytes: Buffer, ...sig: number[]) => sig.every((b, i) => bytes[i] === b);
const contains = (bytes: Buffer, text: string, encoding: BufferEncoding = 'latin1') =>
  bytes.includes(Buffer.from(text, encoding));

function isText(bytes: Buffer): string | null {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  // libmagic's text test: no NUL and no control characters but the usual whitespace and escape.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is looked for
  return /[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]/.test(text) ? null : text;
}

/**
 * The MIME type of a file from its content: PDF, PNG, JPEG, the Office formats (zip or OLE2
 * containers, told apart by the parts they hold, as document-download looks inside zips), RTF,
 * JSON and plain text; anything else is application/octet-stream.
 */
export function sniffMimeType(bytes: Buffer): string {
  if (contains(bytes.subarray(0, 1024), '%PDF-')) return 'application/pdf';
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (startsWith(bytes, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (startsWith(bytes, 0x50, 0x4b, 0x03, 0x04)) {
    // An OpenDocument file starts with an uncompressed "mimetype" part naming its type.
    if (bytes.subarray(30, 38).toString('latin1') === 'mimetype') {
      const named = bytes.subarray(38, 38 + 60).toString('latin1');
      if (named.startsWith('application/vnd.oasis.opendocument.text')) return 'application/vnd.oasis.opendocument.text';
    }
    if (contains(bytes, 'word/document.xml')) {
      return 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
    }
    if (contains(bytes, 'xl/workbook.xml')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    return 'application/zip';
  }
  if (startsWith(bytes, 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1)) {
    return contains(bytes, 'WordDocument', 'utf16le') ? 'application/msword' : 'application/x-ole-storage';
  }
  if (bytes.subarray(0, 5).toString('latin1') === '{\\rtf') return 'text/rtf';
  const text = isText(bytes);
  if (text === null) return 'application/octet-stream';
  const trimmed = text.trim();
  if (/^[[{]/.test(trimmed)) {
    try {
      JSON.parse(trimmed);
      return 'application/json';
    } catch {
      // text that is not JSON
    }
  }
  return 'text/plain';
}
