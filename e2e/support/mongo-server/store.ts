// Databases → collections, created implicitly on first write as mongod does.
import { Collection } from "./collection";
import { CommandError } from "./errors";

export class Store {
  readonly dbs = new Map<string, Map<string, Collection>>();

  get(db: string, name: string): Collection | undefined {
    return this.dbs.get(db)?.get(name);
  }
  /** The collection, created when missing (the second value says whether it was). */
  ensure(db: string, name: string): [Collection, boolean] {
    if (!name || name.includes("$")) throw new CommandError(73, `Invalid collection name: ${name}`);
    let colls = this.dbs.get(db);
    if (!colls) this.dbs.set(db, (colls = new Map()));
    const existing = colls.get(name);
    if (existing) return [existing, false];
    const c = new Collection(db, name);
    colls.set(name, c);
    return [c, true];
  }
  drop(db: string, name: string): boolean {
    const colls = this.dbs.get(db);
    const had = colls?.delete(name) ?? false;
    if (colls && colls.size === 0) this.dbs.delete(db);
    return had;
  }
  dropDatabase(db: string) {
    this.dbs.delete(db);
  }
  collections(db: string): Collection[] {
    return [...(this.dbs.get(db)?.values() ?? [])];
  }
}
