// The figures of `npm run proof`, in the order printed. One file per figure; add it here.
import { authorization } from "./authorization";
import { badInput } from "./bad-input";
import { concurrency } from "./concurrency";
import { crashes } from "./crashes";
import { faults } from "./faults";
import { tampering } from "./tampering";
import type { Figure } from "./types";

export const FIGURES: Figure[] = [tampering, concurrency, authorization, badInput, faults, crashes];
