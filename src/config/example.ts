/** A documented example config (`flowmap config example` can print it). Kept in sync by a test that loads it. */
export const EXAMPLE_CONFIG = `# flowmap configuration. Found via --config PATH, FLOWMAP_CONFIG, or ./flowmap.yaml.
# JSON with the same keys is accepted too (flowmap.json). Unknown keys are errors, to catch typos.
# Command-line options override these settings.

# Where flows are stored: a DuckDB file (relative paths are next to this file), or duckdb:PATH,
# mariadb://user:pass@host:3306/db, clickhouse://user:pass@host:8123/db[?cluster=NAME].
# Overridden by --db and FLOWMAP_DB.
db: flowmap.duckdb

# Keep flows this long (e.g. 30d); every command that writes deletes older records. Overridden by
# --retention. Unset: keep everything.
# retention: 30d

# Service names for ports: replace a built-in name or add one. proto is tcp, udp or sctp; without
# it the name applies to both tcp and udp. Names are applied at query time, so they also label
# flows stored before the change.
services:
  - port: 902
    proto: tcp
    name: esxi-backup-nfc
  - port: 8086
    name: influxdb
  - port: 9100
    proto: tcp
    name: node-exporter   # 9100 is also JetDirect printing; rename if that is what you run

# Host names drawn on maps. They win over names seen on the network (DNS answers, TLS SNI, HTTP
# Host) and over reverse DNS (export --resolve).
names:
  192.168.1.10: esxi01
  192.168.1.20: vcenter
  2001:db8:1::42: influxdb

# Groups: containers on maps, or single nodes with export --group-by group. A host joins the first
# group that matches by address (subnets), by name (names: * and ? wildcards, any case), or by a
# service it serves (serves: port or port/proto).
groups:
  - name: vSphere
    subnets: [192.168.1.10/31]
    names: ["vcenter*"]
  - name: Monitoring
    names: ["prometheus*", "grafana*"]
  - name: InfluxDB
    serves: [8086/tcp]

# Flow table settings used when building flows from captures.
flows:
  idleTimeout: 15s      # a flow idle this long is finished (number = seconds)
  activeTimeout: 60s    # long flows are written out as a record every this often (NetFlow default)
  maxFlows: 1000000     # flow table bound; beyond it the oldest flows are written out early
  conversationMemory: 100000  # conversations remembered after they leave the table (their sides, counted once)

# Flow exporters (flowmap collect, flowmap ingest --exports), by the address they send from.
# samplingRate: for records that state none, bytes and packets are multiplied by it (1 in N packets
# sampled); a rate above 1 in the records themselves (NetFlow v5 header, v9/IPFIX options, sFlow
# samples) always wins. interfaces: names of its interfaces by SNMP ifIndex, shown by
# flowmap top --by interfaces (filter with --exporter ADDR --interface N).
exporters:
  - address: 192.0.2.10
    samplingRate: 1000
    interfaces:
      3: uplink-dc2
      7: core-1

# The web page (flowmap serve). Listening on any address but loopback needs a token; with a token,
# every request needs it (open the page once as /?token=TOKEN). Overridden by --port, --listen,
# --token and FLOWMAP_TOKEN.
serve:
  port: 3000
  listen: 127.0.0.1
  # token: a-long-random-string   # e.g. from: openssl rand -hex 16
  # HTTPS (both or neither; relative to this file). Overridden by --tls-cert and --tls-key.
  # tlsCert: /etc/flowmap/tls/cert.pem
  # tlsKey: /etc/flowmap/tls/key.pem
`;
