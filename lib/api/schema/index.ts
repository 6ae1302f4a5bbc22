// The one schema registry, built once from the declarations in this folder. The JSON codec and
// the type generator read it.

import { PACKAGES } from './packages.ts';
import { Registry } from './registry.ts';

export const schema = new Registry(PACKAGES);

export { PACKAGES };
export type { Field, FieldType, MessageType, EnumType, NamedType, ScalarType } from './registry.ts';
