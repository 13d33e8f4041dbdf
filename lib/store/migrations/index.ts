import type { AirlockMigration } from "./types";
import { migration as m001 } from "./001-users";
import { migration as m002 } from "./002-api-tokens";
import { migration as m003 } from "./003-timeline";
import { migration as m004 } from "./004-incidents";
import { migration as m005 } from "./005-approvals";
import { migration as m006 } from "./006-evidence";
import { migration as m007 } from "./007-reviews";
import { migration as m008 } from "./008-alerts";
import { migration as m010 } from "./010-audit-anchor";
import { migration as m009 } from "./009-sign-in";
import { migration as m011 } from "./011-replicas";

export type { AirlockMigration, Engine } from "./types";

/**
 * Every migration, in order. To add one: create `NNN-what.ts` exporting `migration`
 * (an AirlockMigration named "NNN-what") and append it here. Names must sort in order.
 */
export const migrations: AirlockMigration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010, m011];
