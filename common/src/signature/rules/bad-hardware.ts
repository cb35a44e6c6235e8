/**
 * BadHardware: crashes whose reason says the hardware returned bad data are
 * prefixed with `bad hardware | `.
 */
import type { SignatureRule } from '../rule.js';

/** Substrings of the crash reason that mean faulty hardware. */
const BAD_HARDWARE_REASONS = ['STATUS_DEVICE_DATA_ERROR'];

const NAME = 'BadHardware';

/** The rule. */
export const badHardwareRule: SignatureRule = {
  name: NAME,
  predicate: (input) => {
    const reason = input.reason;
    return !!reason && BAD_HARDWARE_REASONS.some((r) => reason.includes(r));
  },
  action: (_input, result) => {
    result.setSignature(NAME, `bad hardware | ${result.signature}`);
  },
};
