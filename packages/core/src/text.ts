/** At most `maxChars` characters (code points): a longer text is cut and ends with '…'. */
export function ellipsize(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length > maxChars ? `${chars.slice(0, maxChars - 1).join('')}…` : text;
}
