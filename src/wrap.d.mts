/** Words in lines of at most `width` characters (a longer word stays whole on its own line). */
export function wrap(text: string, width: number): string[];
