import { MemoryStore } from '../../src/store/memory.ts';
import { storeContract } from './contract.ts';

storeContract('memory', () => {
  const store = new MemoryStore();
  return { store, cleanup: () => store.close() };
});
