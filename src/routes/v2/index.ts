// The v2 public REST API (Notify-compatible). Each route group is its own plugin.
import type { FastifyPluginAsync } from 'fastify';

const v2: FastifyPluginAsync = async () => {
  // Route groups are registered here (notifications, templates, received text messages).
};

export default v2;
