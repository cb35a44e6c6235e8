#!/usr/bin/env node
// crashstats-signify: crash signature of one crash-data JSON document on
// stdin.
import { launch } from './launch.js';

await launch('signify');
