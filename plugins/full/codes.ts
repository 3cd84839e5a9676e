import { defineCodes } from '../../src/plugin-api.js';

/** The full fine-tuning plugin's diagnostic codes. */
export const codes = defineCodes({
  FULL_FREEZE_MATCHES_NOTHING: { summary: '`method.freeze` patterns match no parameter' },
});
