import { testRedisStore } from '../support/redis.ts';
import { storeContract } from './contract.ts';

storeContract('redis', () => testRedisStore());
