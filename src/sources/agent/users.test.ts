import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePasswd } from './users.js';

describe('parsePasswd', () => {
  it('maps uids to names, the first entry winning, and skips comments and broken lines', () => {
    const m = parsePasswd('root:x:0:0:root:/root:/bin/bash\n# comment\nbroken\nwww-data:x:33:33::/var/www:/usr/sbin/nologin\ntoor:x:0:0::/:/bin/sh\nbad:x:abc:1::/:\n');
    assert.deepEqual([...m], [[0, 'root'], [33, 'www-data']]);
  });
});
