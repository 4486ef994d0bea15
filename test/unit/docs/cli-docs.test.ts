import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { cliDocsPath, renderCliDocs } from '../../../bin/gen-cli-docs.js';
import { buildProgram } from '../../../bin/imafs.js';

test('docs/cli.md matches the commander program (run `npm run docs:cli` to refresh)', () => {
  const program = buildProgram();
  const expected = renderCliDocs(program);
  const actual = readFileSync(cliDocsPath(), 'utf8');
  assert.equal(actual, expected);
});

test('docs/cli.md documents every command and every visible flag', () => {
  const doc = readFileSync(cliDocsPath(), 'utf8');
  const program = buildProgram();
  const help = program.createHelp();
  for (const cmd of program.commands) {
    assert.ok(doc.includes(`### imafs ${cmd.name()}\n`), `section for ${cmd.name()}`);
    for (const o of help.visibleOptions(cmd)) assert.ok(doc.includes(`\`${help.optionTerm(o).replace(/\|/g, '\\|')}\``), `${cmd.name()} ${o.flags}`);
  }
  for (const code of [0, 1, 2, 3]) assert.match(doc, new RegExp(`^\\| ${code} \\| `, 'm'));
});
