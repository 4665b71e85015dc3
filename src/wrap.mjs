// Plain JavaScript: src/cli/bin.mjs prints help through src/cli/commands.mjs without loading TypeScript.

/** Words in lines of at most `width` characters (a longer word stays whole on its own line). */
export function wrap(text, width) {
  const lines = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}
