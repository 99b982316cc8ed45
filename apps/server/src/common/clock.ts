import { Injectable } from '@nestjs/common';

/** The time source; tests replace it to move time without waiting. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
