// SES events posted by Amazon SNS: accepted with the provider token, or without it when they come from one of
// our topics (SNS_TOPIC_ARNS) with a signature that verifies against Amazon's certificate; anything else is
// refused and changes nothing.
import crypto from 'node:crypto';
import t from 'tap';
import { buildApp } from '../../src/app.ts';
import { snsCertificateUrl, stringToSign } from '../../src/delivery/sns.ts';
import { createTestDb, testConfig } from '../helpers/db.ts';
import { createServiceWithKeys, insertNotification } from '../helpers/factories.ts';
import { statuses } from '../helpers/delivery.ts';

const TOKEN = 'provider-callback-token-0123456789';
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-events';
const CERT_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem';
const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const { privateKey: otherKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

function signed(
  message: object,
  opts: { topic?: string; version?: '1' | '2'; key?: crypto.KeyObject; certUrl?: string } = {},
) {
  const body: Record<string, string> = {
    Type: 'Notification',
    MessageId: crypto.randomUUID(),
    TopicArn: opts.topic ?? TOPIC,
    Message: JSON.stringify(message),
    Timestamp: new Date().toISOString(),
    SignatureVersion: opts.version ?? '1',
    SigningCertURL: opts.certUrl ?? CERT_URL,
  };
  const algorithm = body.SignatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256';
  body.Signature = crypto.sign(algorithm, Buffer.from(stringToSign(body)), opts.key ?? privateKey).toString('base64');
  return body;
}

t.test('the certificate must be Amazon SNS’s own', async (t) => {
  for (const url of [
    'http://sns.eu-west-1.amazonaws.com/cert.pem',
    'https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem',
    'https://evil.example/sns.eu-west-1.amazonaws.com/cert.pem',
    'https://sns.eu-west-1.amazonaws.com/cert.txt',
    'https://user@sns.eu-west-1.amazonaws.com/cert.pem',
    'https://sns.eu-west-1.amazonaws.com:8443/cert.pem',
  ])
    t.throws(() => snsCertificateUrl(url), /not an Amazon SNS certificate/, url);
  t.equal(snsCertificateUrl(CERT_URL).hostname, 'sns.eu-west-1.amazonaws.com');
});

t.test('SES events by SNS: a valid signature from our topic, or the token', async (t) => {
  const db = await createTestDb(t, 'sns');
  const svc = await createServiceWithKeys(db);
  const fetched: string[] = [];
  const app = await buildApp({
    cfg: testConfig({ PROVIDER_CALLBACK_TOKEN: TOKEN, SNS_TOPIC_ARNS: `arn:aws:sns:eu-west-2:1:x, ${TOPIC}` }),
    authPool: db.pool,
    ownerPool: db.pool,
    ownerUrl: db.url,
    graphql: false,
    snsCertificates: async (url) => {
      fetched.push(url);
      return publicKey.export({ type: 'spki', format: 'pem' }).toString();
    },
  });
  t.teardown(() => app.close());
  const ids: string[] = [];
  for (const reference of ['ses-a', 'ses-b', 'ses-c'])
    ids.push(
      await insertNotification(db, {
        serviceId: svc.serviceId,
        templateId: svc.email,
        type: 'email',
        createdAt: 'now()',
        status: 'sending',
        reference,
      }),
    );
  const bounce = (messageId: string) => ({
    notificationType: 'Bounce',
    bounce: { bounceType: 'Permanent' },
    mail: { messageId, timestamp: new Date().toISOString() },
  });
  const post = (payload: object, url = '/notifications/email/ses') =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'text/plain; charset=UTF-8' } });

  const refusals: Array<[string, object]> = [
    ['no signature and no token', { Type: 'Notification', TopicArn: TOPIC, Message: JSON.stringify(bounce('ses-a')) }],
    ['another topic', signed(bounce('ses-a'), { topic: 'arn:aws:sns:eu-west-1:999999999999:attacker' })],
    ['signed by another key', signed(bounce('ses-a'), { key: otherKey })],
    ['a certificate elsewhere', signed(bounce('ses-a'), { certUrl: 'https://evil.example/cert.pem' })],
    ['an old signature version', { ...signed(bounce('ses-a')), SignatureVersion: '0' }],
    ['a changed message', { ...signed(bounce('ses-b')), Message: JSON.stringify(bounce('ses-a')) }],
  ];
  for (const [what, payload] of refusals) {
    const res = await post(payload);
    t.equal(res.statusCode, 401, what);
  }
  t.same(await statuses(db, ids), ['sending', 'sending', 'sending'], 'nothing changed');
  t.ok(
    fetched.every((u) => u === CERT_URL),
    'no certificate fetched from anywhere but Amazon SNS',
  );

  t.equal((await post(signed(bounce('ses-a')))).statusCode, 200, 'SignatureVersion 1 (SHA1withRSA)');
  t.equal((await post(signed(bounce('ses-b'), { version: '2' }))).statusCode, 200, 'SignatureVersion 2 (SHA256)');
  t.equal(
    (
      await post(
        { Type: 'Notification', Message: JSON.stringify(bounce('ses-c')) },
        `/notifications/email/ses?token=${TOKEN}`,
      )
    ).statusCode,
    200,
    'the token instead of a signature',
  );
  t.same(await statuses(db, ids), ['permanent-failure', 'permanent-failure', 'permanent-failure']);
  const other = await post({ CID: ids[0], status: '3' }, '/notifications/sms/mmg');
  t.equal(other.statusCode, 401, 'other provider routes still need the token');
});
