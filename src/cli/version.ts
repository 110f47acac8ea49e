/** tend's version, from package.json (inlined by the bundler in the build). */
import pkg from '../../package.json' with { type: 'json' };

export const version: string = pkg.version;
