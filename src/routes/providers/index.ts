// Provider-facing routes: delivery receipts and inbound SMS callbacks.
import type { FastifyPluginAsync } from 'fastify';

const providers: FastifyPluginAsync = async () => {
  // Receipt and inbound routes are registered here.
};

export default providers;
