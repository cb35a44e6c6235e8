/** SignatureIPCMessageName: appends ` | IPC_Message_Name=<name>`. */
import type { SignatureRule } from '../rule.js';

const NAME = 'SignatureIPCMessageName';

/** The rule. */
export const ipcMessageNameRule: SignatureRule = {
  name: NAME,
  predicate: (input) => !!input.ipc_message_name,
  action: (input, result) => {
    result.setSignature(
      NAME,
      `${result.signature} | IPC_Message_Name=${input.ipc_message_name ?? ''}`,
    );
  },
};
