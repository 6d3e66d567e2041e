import { deliveryTask } from '../src/lib/delivery.ts';

/** Hands a batch of sms notifications to providers (see deliveryTask in src/lib/delivery.ts). */
export default deliveryTask('sms');
