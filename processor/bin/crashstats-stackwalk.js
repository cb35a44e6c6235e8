#!/usr/bin/env node
// crashstats-stackwalk: walks the stacks of one minidump and prints
// minidump-stackwalk JSON or text.
import { launch } from './launch.js';

await launch('stackwalk');
