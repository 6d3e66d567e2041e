import { deliveryTask } from '../src/delivery/delivery.ts';

/** Hands a batch of email notifications to providers (see deliveryTask in src/delivery/delivery.ts). */
export default deliveryTask('email');
