import { Injectable } from '@nestjs/common';

/** Time, behind an injectable so tests can fix it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
  /** Unix seconds, the unit of every CometChat timestamp. */
  nowSeconds(): number {
    return Math.floor(Date.now() / 1000);
  }
}

/** Unix seconds of a date, the unit of every CometChat timestamp. */
export const toSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);
