import { LabError, type LabErrorOptions } from '@lab/tensor-core';

/** The four-momentum component an {@link InvalidParticleError} is about. */
export type MomentumField = 'px' | 'py' | 'pz' | 'E';

/** Where a particle came from, for error messages. */
export interface ParticleSource {
  /** 0-based index of the event in its file or batch. */
  event?: number;
  /** File name. */
  file?: string;
  /** 1-based line of the particle in the file, or another location such as `row 5`. */
  location?: string;
}

/**
 * A particle's four-momentum is not physical: a NaN or infinite component, a negative energy, or an energy below |p|
 * beyond the rounding tolerance.
 *
 * @remarks `code` is `INVALID_PARTICLE`. The message names the event, the particle and the field, e.g.
 * `event 3, particle 17 (events.dat line 452): E = -1.2 is negative`.
 *
 * @example
 * ```ts
 * try { ParticleEvent.fromRows([[1, 0, 0, -1]]); }
 * catch (e) { if (e instanceof InvalidParticleError) console.log(e.particle, e.field); } // 0 'E'
 * ```
 */
export class InvalidParticleError extends LabError {
  /** 0-based event index, when known. */
  readonly event: number | undefined;
  /** 0-based index of the particle in its event. */
  readonly particle: number;
  /** The offending component. */
  readonly field: MomentumField;
  /** Its value. */
  readonly value: number;

  /**
   * @param particle - 0-based particle index
   * @param field - the offending component
   * @param value - its value
   * @param problem - what is wrong, e.g. `is negative`
   * @param source - event index, file and location, when known
   * @param options - `cause`
   */
  constructor(particle: number, field: MomentumField, value: number, problem: string, source: ParticleSource = {}, options?: LabErrorOptions) {
    const where = [source.file, source.location].filter((s) => s !== undefined).join(' ');
    super(
      'INVALID_PARTICLE',
      `${source.event !== undefined ? `event ${source.event}, ` : ''}particle ${particle}${where ? ` (${where})` : ''}: ${field} = ${value} ${problem}`,
      options,
    );
    this.name = 'InvalidParticleError';
    this.event = source.event;
    this.particle = particle;
    this.field = field;
    this.value = value;
  }
}
