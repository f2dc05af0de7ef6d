// Every scenario, in the order `npm run bench` runs them (docs/benchmarks.md). T2 comes before L1,
// which runs at half of T2's Parley rate. M1 comes last: once the gateway has held its 10,000
// sockets, V8 reuses that memory for P1's 1,000 connections and P1's RSS per connection reads near 0.
import c1 from './c1-connect-storm.mjs';
import f1 from './f1-fanout.mjs';
import h1 from './h1-history.mjs';
import l1 from './l1-latency.mjs';
import m1 from './m1-memory.mjs';
import p1 from './p1-prosody.mjs';
import t1 from './t1-delivery.mjs';
import t2 from './t2-durable-send.mjs';

export const SCENARIOS = [t1, t2, l1, f1, c1, h1, p1, m1];
