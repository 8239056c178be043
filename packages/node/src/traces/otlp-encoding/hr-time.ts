import type { HrTime } from '@opentelemetry/api';
import type { ByteWriter } from './byte-writer';

const NANOS_PER_SECOND = 1_000_000_000;

const isNanos = (value: number) => Number.isInteger(value) && value >= 0 && value < NANOS_PER_SECOND;

/** The nanoseconds since the epoch of `time`, as the SDK computes them (each part truncated). */
function nanosOf(time: HrTime): bigint {
  return BigInt(Math.trunc(time[0])) * BigInt(NANOS_PER_SECOND) + BigInt(Math.trunc(time[1]));
}

/** A timestamp as the quoted decimal string of its nanoseconds (OTLP/JSON), without a BigInt for the usual ones. */
export function writeNanosAsJsonString(writer: ByteWriter, time: HrTime): void {
  const [seconds, nanos] = time;
  writer.byte(0x22);
  if (isNanos(nanos) && Number.isSafeInteger(seconds) && seconds >= 0) {
    if (seconds === 0) writer.decimal(nanos);
    else {
      writer.ascii(String(seconds));
      writer.nineDigits(nanos);
    }
  } else {
    writer.ascii(nanosOf(time).toString());
  }
  writer.byte(0x22);
}

/**
 * A timestamp as a fixed64 of its nanoseconds (OTLP/protobuf). `seconds · 10^9` passes 2^53, so it is split
 * in 16-bit halves whose products stay exact, as `writeHrTimeAsFixed64` of the SDK does.
 */
export function writeNanosAsFixed64(writer: ByteWriter, time: HrTime): void {
  const [seconds, nanos] = time;
  if (!(isNanos(nanos) && Number.isInteger(seconds) && seconds >= 0 && seconds < 2 ** 32)) {
    const value = BigInt.asUintN(64, nanosOf(time));
    writer.fixed64(Number(value & 0xffffffffn), Number(value >> 32n));
    return;
  }
  const fromLower = (seconds & 0xffff) * NANOS_PER_SECOND;
  const fromUpper = ((seconds / 0x10000) >>> 0) * NANOS_PER_SECOND;
  const low = (fromLower >>> 0) + (((fromUpper & 0xffff) * 0x10000) >>> 0) + nanos;
  const high = Math.floor(fromLower / 0x100000000) + ((fromUpper / 0x10000) >>> 0) + Math.floor(low / 0x100000000);
  writer.fixed64(low >>> 0, high >>> 0);
}
