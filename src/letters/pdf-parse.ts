// Reading a PDF someone sent us (precompiled letters) with bounded memory and time. pdf-lib parses
// the whole file into objects on the JavaScript heap, and a hostile PDF (millions of tiny objects,
// deep nesting, a compressed stream that inflates to gigabytes) can take seconds of CPU or the
// heap of the process. So the parse runs in a worker thread with its own small heap
// (resourceLimits) and a deadline: a worker that runs out of either is terminated and the API or
// the scan task carries on. The same file is the worker's code (it loads itself as the worker).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { PDFDocument } from 'pdf-lib';

export interface PdfLimits {
  /** Wall-clock time a parse may take. */
  timeoutMs: number;
  /** Old-generation heap of the worker thread, in MB. */
  heapMb: number;
}

export const DEFAULT_PDF_LIMITS: PdfLimits = { timeoutMs: 10_000, heapMb: 256 };

/** The limits of the configuration (PDF_PARSE_TIMEOUT_MS, PDF_PARSE_HEAP_MB). */
export function pdfLimits(cfg: { PDF_PARSE_TIMEOUT_MS: number; PDF_PARSE_HEAP_MB: number }): PdfLimits {
  return { timeoutMs: cfg.PDF_PARSE_TIMEOUT_MS, heapMb: cfg.PDF_PARSE_HEAP_MB };
}

/** Parses in flight at once: each may use heapMb, so their number bounds the memory they take together. */
const MAX_PARALLEL = 2;

export type PdfParse =
  /** pages 0: pdf-lib could not read it (not a PDF, or no pages). */
  { outcome: 'parsed'; pages: number } | { outcome: 'timeout' } | { outcome: 'too-complex' };

let running = 0;
const waiting: Array<() => void> = [];

async function slot<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/**
 * Counts the pages of `bytes` in a worker thread. Never throws for what is in the file: a PDF that
 * does not finish within the limits is `timeout` or `too-complex` (its worker ran out of heap or
 * died), one pdf-lib cannot read has 0 pages.
 */
export function parsePdf(bytes: Uint8Array, limits: PdfLimits = DEFAULT_PDF_LIMITS): Promise<PdfParse> {
  return slot(() => parseInWorker(bytes, limits, 1));
}

/**
 * One worker for one file. A worker that dies before it has started on the file (loading the PDF
 * library in a small heap on a busy host) says nothing about the file: it is tried again, `retries` times.
 */
function parseInWorker(bytes: Uint8Array, limits: PdfLimits, retries: number): Promise<PdfParse> {
  return new Promise<PdfParse>((resolve) => {
    let settled = false;
    let reading = false;
    const finish = (result: PdfParse | 'retry') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result === 'retry' ? parseInWorker(bytes, limits, retries - 1) : result);
    };
    const worker = new Worker(new URL(import.meta.url), {
      // A copy: the caller keeps its buffer (it is uploaded afterwards).
      workerData: Uint8Array.from(bytes),
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, maxYoungGenerationSizeMb: 32 },
      // Node's own type stripping loads this file; a loader of the parent (a test runner's) would
      // count against the small heap.
      execArgv: [],
      stdout: true,
      stderr: true,
    });
    const timer = setTimeout(() => finish({ outcome: 'timeout' }), limits.timeoutMs);
    worker.on('message', (m: number | 'reading') => {
      if (m === 'reading') reading = true;
      else finish({ outcome: 'parsed', pages: m });
    });
    // ERR_WORKER_OUT_OF_MEMORY, or any other death of the thread once it is reading the file: the file
    // is more than we will read.
    const died = () => finish(reading || retries <= 0 ? { outcome: 'too-complex' } : 'retry');
    worker.once('error', died);
    worker.once('exit', died);
  });
}

async function countPages(bytes: Uint8Array): Promise<number> {
  try {
    return (await PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false })).getPageCount();
  } catch {
    return 0;
  }
}

if (!isMainThread && parentPort && workerData instanceof Uint8Array) {
  const port = parentPort;
  port.postMessage('reading');
  void countPages(workerData).then((pages) => port.postMessage(pages));
}
