// Seeded generator so that the same --seed gives the same pod names, IPs and hashes.
const K8S_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** Restart the sequence, so a reset world gets the same names again. */
  reseed(seed: number): void {
    this.state = seed >>> 0 || 0x9e3779b9;
  }

  /** mulberry32: small, fast and good enough for names. */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  /** The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes). */
  suffix(length = 5): string {
    let s = "";
    for (let i = 0; i < length; i++) s += K8S_ALPHABET[this.int(K8S_ALPHABET.length)];
    return s;
  }

  hex(length: number): string {
    let s = "";
    for (let i = 0; i < length; i++) s += this.int(16).toString(16);
    return s;
  }

  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  digits(length: number): string {
    let s = String(1 + this.int(9));
    for (let i = 1; i < length; i++) s += String(this.int(10));
    return s;
  }
}
