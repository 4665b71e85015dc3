/** A plant file that cannot be built; every problem names the file and the key. */
export class PlantError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file}: ${problems.length === 1 ? problems[0] : `${problems.length} problems\n  - ${problems.join('\n  - ')}`}`);
    this.name = 'PlantError';
  }
}
