/** Shared by the unit tests (never imported by the app, so never in the bundle). */
import type { CheckinBody } from "./types";

/** localStorage as the browser has it, in memory. */
export class MemoryStorage {
  private items = new Map<string, string>();
  get length(): number {
    return this.items.size;
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
  keys(): string[] {
    return [...this.items.keys()];
  }
}

/** A complete check-in: mild swelling and bruising, the rest at 0; `changes` override. */
export function checkinBody(changes: Partial<CheckinBody> & Pick<CheckinBody, "recorded_at">): CheckinBody {
  return {
    pain: 3,
    swelling: 1,
    bruising: 1,
    discolouration: 0,
    hardening: 0,
    itching: 0,
    ...changes,
  };
}
