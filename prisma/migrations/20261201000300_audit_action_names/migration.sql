-- Audit action names follow one scheme, noun.verb (lib/audit/action-names.ts). Data only: the
-- schema does not change. Names that already follow it (incident.status, lock.*) stay.
UPDATE "ActionLog" SET action = 'user.create' WHERE action = 'create_user';
UPDATE "ActionLog" SET action = 'user.role' WHERE action = 'set_role';
UPDATE "ActionLog" SET action = 'token.create' WHERE action = 'create_token';
UPDATE "ActionLog" SET action = 'token.revoke' WHERE action = 'revoke_token';
UPDATE "ActionLog" SET action = 'lock.release' WHERE action = 'release_lock';
-- One old name covered both an operator's run (its target names the run) and the retry job's batches.
UPDATE "ActionLog" SET action = 'replay.run' WHERE action = 'replay_failed_writes' AND target ? 'replayRunId';
UPDATE "ActionLog" SET action = 'replay.retry' WHERE action = 'replay_failed_writes';
