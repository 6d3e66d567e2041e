import type { Task } from 'graphile-worker';
import { config } from '../src/config.ts';
import { deleteExpiredDocuments } from '../src/documents/documents.ts';
import { processS3 } from '../src/lib/s3.ts';

/** Files sent by email whose retention period has ended are deleted from the documents bucket. */
const deleteExpiredDocumentsTask: Task = async (_payload, helpers) => {
  const { files } = await deleteExpiredDocuments(processS3(), config().DOCUMENT_DOWNLOAD_BUCKET);
  helpers.logger.info(`deleted ${files} files past their retention period`);
};

export default deleteExpiredDocumentsTask;
