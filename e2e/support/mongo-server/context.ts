import type { ConnInfo, InFlight, ServerState } from "./state";
import type { Doc } from "./values";

export type CommandContext = { state: ServerState; db: string; body: Doc; conn: ConnInfo; op: InFlight };
export type CommandHandler = (ctx: CommandContext) => Doc | Promise<Doc>;
