import type { Command } from '../commander.js';
import { register as audit } from './audit.js';
import { register as demo } from './demo.js';
import { register as verify } from './verify.js';
import { register as sign } from './sign.js';
import { register as ls } from './ls.js';
import { register as cat } from './cat.js';
import { register as stat } from './stat.js';
import { register as mount } from './mount.js';
import { register as umount } from './umount.js';
import { register as serve } from './serve.js';

/**
 * Every subcommand, in help order. Each module owns its flags and calls typed
 * library functions; none prints library internals.
 */
export type Register = (program: Command) => void;

export const commands: Register[] = [audit, demo, verify, sign, ls, cat, stat, serve, mount, umount];
