// Amazon SNS message signatures: how SES events posted by SNS prove where they come from without a token in
// the subscription URL. A signature proves only that SNS sent the message, and anyone can make an SNS topic and
// subscribe this URL to it, so the topic must be one of ours (SNS_TOPIC_ARNS) as well.
// The signed fields and their order are those of the SNS documentation ("Verifying the signatures of Amazon SNS
// messages"): "Name\nvalue\n" for each, Subject only when present.
import crypto from 'node:crypto';
import { request } from 'undici';

export type CertificateFetcher = (url: string) => Promise<string>;

export class SnsSignatureError extends Error {}

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const SUBSCRIPTION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];

/** True when the body looks like an SNS envelope (so it is checked as one). */
export const isSnsEnvelope = (body: Record<string, unknown>) =>
  typeof body.Type === 'string' && typeof body.TopicArn === 'string' && 'Signature' in body;

/** The certificate URL, if it is one of Amazon SNS's own (https, sns.<region>.amazonaws.com, a .pem file). */
export function snsCertificateUrl(raw: unknown): URL {
  if (typeof raw !== 'string') throw new SnsSignatureError('SigningCertURL is missing');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SnsSignatureError('SigningCertURL is not a URL');
  }
  if (
    url.protocol !== 'https:' ||
    url.username ||
    url.password ||
    url.port ||
    !/^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(url.hostname) ||
    !url.pathname.endsWith('.pem')
  )
    throw new SnsSignatureError('SigningCertURL is not an Amazon SNS certificate');
  return url;
}

export function stringToSign(body: Record<string, unknown>): string {
  const fields = body.Type === 'Notification' ? NOTIFICATION_FIELDS : SUBSCRIPTION_FIELDS;
  let out = '';
  for (const name of fields) {
    const value = body[name];
    if (value === undefined || value === null) {
      if (name === 'Subject') continue;
      throw new SnsSignatureError(`${name} is missing`);
    }
    if (typeof value !== 'string') throw new SnsSignatureError(`${name} is not text`);
    out += `${name}\n${value}\n`;
  }
  return out;
}

const certificates = new Map<string, Promise<string>>();

/** Fetch an SNS signing certificate (cached: SNS signs with few of them). */
export const fetchSnsCertificate: CertificateFetcher = (url) => {
  let pem = certificates.get(url);
  if (!pem) {
    pem = (async () => {
      const res = await request(url, { method: 'GET', signal: AbortSignal.timeout(5000) });
      const text = await res.body.text();
      if (res.statusCode !== 200 || text.length > 16_384 || !text.includes('BEGIN CERTIFICATE'))
        throw new SnsSignatureError(`could not fetch the SNS certificate (HTTP ${res.statusCode})`);
      return text;
    })();
    pem.catch(() => certificates.delete(url));
    if (certificates.size > 20) certificates.clear();
    certificates.set(url, pem);
  }
  return pem;
};

/**
 * Checks an SNS envelope: its topic is one of `topics`, its certificate is Amazon's and its signature verifies.
 * Throws SnsSignatureError saying what is wrong.
 */
export async function verifySnsMessage(
  body: Record<string, unknown>,
  topics: readonly string[],
  fetchCertificate: CertificateFetcher = fetchSnsCertificate,
): Promise<void> {
  if (typeof body.TopicArn !== 'string' || !topics.includes(body.TopicArn))
    throw new SnsSignatureError('TopicArn is not one of SNS_TOPIC_ARNS');
  const algorithm = body.SignatureVersion === '1' ? 'RSA-SHA1' : body.SignatureVersion === '2' ? 'RSA-SHA256' : null;
  if (!algorithm) throw new SnsSignatureError('SignatureVersion must be 1 or 2');
  if (typeof body.Signature !== 'string' || !body.Signature) throw new SnsSignatureError('Signature is missing');
  const certUrl = snsCertificateUrl(body.SigningCertURL);
  const text = stringToSign(body);
  let key: crypto.KeyObject;
  try {
    key = crypto.createPublicKey(await fetchCertificate(certUrl.toString()));
  } catch (e) {
    if (e instanceof SnsSignatureError) throw e;
    throw new SnsSignatureError('the SNS certificate could not be read');
  }
  const ok = crypto.verify(algorithm, Buffer.from(text, 'utf8'), key, Buffer.from(body.Signature, 'base64'));
  if (!ok) throw new SnsSignatureError('the SNS signature does not verify');
}
