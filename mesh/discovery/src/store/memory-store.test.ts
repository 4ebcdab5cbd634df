import { createMemoryStore } from "./memory-store.ts";
import { stallCreditContract } from "./stall-credit.contract.ts";

stallCreditContract(() => createMemoryStore({ sweepIntervalMs: 20 }));
