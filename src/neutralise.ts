/**
 * Control characters and escape sequences from agents and from WP files never reach a terminal, a log or the
 * runner raw: an escape sequence can retitle or recolour the terminal, hide text or forge output, and the
 * Actions runner treats `\r` as a line end, so `\r::warning::` in an agent's line would become a workflow
 * command. Each one is replaced by a visible placeholder, never dropped silently.
 */

/** C0 controls but tab and newline, DEL, C1 controls, and the bidirectional overrides (text that reads reversed). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_OR_NEWLINE = /[\u0000-\u0008\n\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `ESC` -> `␛`, `\r` -> `␍` (the Unicode control pictures); DEL -> `␡`; the rest -> `<U+XXXX>`. */
function placeholder(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x20) return String.fromCharCode(0x2400 + code);
  if (code === 0x7f) return '\u2421';
  return `<U+${code.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/**
 * `text` with every control character (tab kept) shown as a placeholder. Newlines are kept too unless
 * `singleLine`, for one-line fields such as a WP title.
 */
export function neutralise(text: string, options: { singleLine?: boolean } = {}): string {
  return text.replace(options.singleLine ? CONTROL_OR_NEWLINE : CONTROL, placeholder);
}

/**
 * A message for the Actions runner's log: neutralised, and with a line that would start a workflow command
 * (`::name::`, leading blanks allowed) defused, since only our own code may issue commands.
 */
export function forRunnerLog(message: string): string {
  return neutralise(message).replace(/^(\s*)::/gm, '$1: :');
}
