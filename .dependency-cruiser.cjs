/**
 * The layering of src/ (docs/architecture.md), checked by `npm run lint` with dependency-cruiser.
 *
 * STAGES lists the pipeline's stages in order. Production code in a folder may import its own folder
 * and the folders of EARLIER stages only: never a later stage, nor a sibling of its own stage. That
 * also rules out import cycles between folders; `no-circular` rules them out between modules.
 * Type-only imports count (tsPreCompilationDeps): a type is a dependency too.
 */
const STAGES = [
  ['util'],
  ['sources/pcap', 'sources/capture', 'sources/agent'],
  ['decode'],
  ['flow'],
  ['flowexport', 'sources/ntopng', 'names', 'services', 'gen'],
  ['filter'],
  ['store'],
  ['pipeline', 'query'],
  ['graph'],
  ['analysis'],
  ['export'],
  ['report'],
  ['config'],
  ['api'],
  ['server'],
  ['cli'],
];

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const folder = (f) => `^src/${esc(f)}/`;
const TESTS = '\\.test\\.ts$';
const SUPPORT = '^src/testing/';

const stageRules = STAGES.flatMap((stage, k) =>
  stage.map((f) => {
    const allowed = [f, ...STAGES.slice(0, k).flat()];
    return {
      name: `stage-${f.replace('/', '-')}`,
      comment: `${f} may import only ${allowed.join(', ')} (its own folder and earlier stages; docs/architecture.md)`,
      severity: 'error',
      from: { path: folder(f), pathNot: TESTS },
      to: { path: '^src/', pathNot: [...allowed.map(folder), SUPPORT] },
    };
  }),
);

/** Inside the flow-export stage: decoders depend on the model, the runtime on the decoders. */
const flowexportRules = [
  {
    name: 'flowexport-model',
    comment: 'flowexport/model.ts is the seam every flow-export module depends on: it imports none of them',
    from: { path: '^src/flowexport/model\\.ts$' },
    to: { path: '^src/flowexport/' },
  },
  {
    name: 'flowexport-decoders',
    comment: 'decoders read datagrams into the model; they know nothing of pairing, dispatch or transport',
    from: { path: '^src/flowexport/decoders/', pathNot: TESTS },
    to: { path: '^src/flowexport/(pairing|transport)/|^src/flowexport/dispatch\\.ts$' },
  },
  {
    name: 'flowexport-decoder-families',
    comment: 'the NetFlow/IPFIX and sFlow decoders share decoders/common, not each other',
    from: { path: '^src/flowexport/decoders/(netflow|sflow)/', pathNot: TESTS },
    to: { path: '^src/flowexport/decoders/(netflow|sflow)/', pathNot: '^src/flowexport/decoders/$1/' },
  },
  {
    name: 'flowexport-pairing',
    comment: 'pairing turns model flows into FlowRecords; it depends on no decoder, dispatch or transport',
    from: { path: '^src/flowexport/pairing/', pathNot: TESTS },
    to: { path: '^src/flowexport/(decoders|transport)/|^src/flowexport/dispatch\\.ts$' },
  },
  {
    name: 'flowexport-transport',
    comment: 'the UDP transport delivers datagrams; it depends on the model only',
    from: { path: '^src/flowexport/transport/', pathNot: TESTS },
    to: { path: '^src/flowexport/(decoders|pairing)/|^src/flowexport/dispatch\\.ts$' },
  },
].map((r) => ({ severity: 'error', ...r }));

module.exports = {
  forbidden: [
    ...stageRules,
    ...flowexportRules,
    {
      name: 'no-test-support-in-production',
      comment: 'production code never imports test support (src/testing) or a test file',
      severity: 'error',
      from: { path: '^(src|web)/', pathNot: [TESTS, SUPPORT] },
      to: { path: [SUPPORT, TESTS] },
    },
    {
      name: 'web-no-server',
      comment: 'the page (web/) imports from src/ only the API contract (src/api) and pure helpers, never server code',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/', pathNot: ['^src/api/', '^src/util/', '^src/graph/model\\.ts$', '^src/export/labels\\.ts$', '^src/export/app-layout\\.ts$'] },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles, between folders or modules',
      severity: 'error',
      from: { path: '^(src|web)/' },
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'every import resolves',
      severity: 'error',
      from: { path: '^(src|web)/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|web/dist|node_modules)/' },
    // Packages resolve as Node resolves them for ESM ("exports" with the import condition).
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'node', 'default'] },
  },
};
