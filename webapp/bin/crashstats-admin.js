#!/usr/bin/env node
// crashstats-admin: users and API tokens of the web app (see --help).
import { launch } from './launch.js';

await launch('admin');
