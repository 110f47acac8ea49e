/**
 * The entry of the single executable (scripts/build-sea.ts): the modules scripts import as
 * `tend` and `tend/init` are handed to the resolver first, then the command runs as usual.
 */
import * as sdk from '../index.ts';
import { provideModules } from '../native/single-executable.ts';
import * as init from '../script/init.ts';

provideModules({ tend: { ...sdk }, 'tend/init': { ...init } });
void import('./main.ts');
