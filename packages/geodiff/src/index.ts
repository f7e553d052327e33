/**
 * Public surface of this package. It is a placeholder until its issue lands: it only reports its version.
 * @packageDocumentation
 */
import { version } from '../package.json';

/** The package version, read from package.json at build time. */
export const VERSION: string = version;
