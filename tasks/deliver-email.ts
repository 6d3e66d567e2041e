import { deliveryTask } from '../src/lib/delivery.ts';

/** Hands a batch of email notifications to providers (see deliveryTask in src/lib/delivery.ts). */
export default deliveryTask('email');
