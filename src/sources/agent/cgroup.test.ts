import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { containerOf, parseCgroup } from './cgroup.js';

const ID = '3f4e2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f';

describe('parseCgroup', () => {
  it('finds the container id in each runtime\'s spelling', () => {
    const cases: [text: string, cgroup: string][] = [
      [`0::/system.slice/docker-${ID}.scope\n`, `/system.slice/docker-${ID}.scope`],
      [`12:memory:/docker/${ID}\n11:pids:/docker/${ID}\n0::/\n`, `/docker/${ID}`],
      [`0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope/container\n`, `/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope/container`],
      [`0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice/cri-containerd-${ID}.scope\n`, `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice/cri-containerd-${ID}.scope`],
      [`4:pids:/kubepods/besteffort/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/${ID}\n1:name=systemd:/kubepods/besteffort/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/${ID}\n`, `/kubepods/besteffort/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/${ID}`],
      [`0::/machine.slice/crio-${ID}.scope\n`, `/machine.slice/crio-${ID}.scope`],
    ];
    for (const [text, cgroup] of cases) assert.deepEqual(parseCgroup(text), { cgroup, container: ID }, text);
  });

  it('gives the service\'s cgroup and no container on the host', () => {
    assert.deepEqual(parseCgroup('0::/system.slice/nginx.service\n'), { cgroup: '/system.slice/nginx.service', container: null });
    // cgroup v1 (hybrid): the systemd hierarchy says most.
    assert.deepEqual(parseCgroup('4:memory:/system.slice\n1:name=systemd:/system.slice/ssh.service\n0::/\n'), { cgroup: '/system.slice/ssh.service', container: null });
    assert.deepEqual(parseCgroup('0::/\n'), { cgroup: null, container: null });
    assert.deepEqual(parseCgroup(''), { cgroup: null, container: null });
  });

  it('names an LXC container, and never takes a pod uid or a short hex for an id', () => {
    assert.equal(containerOf('/lxc.payload.web1/system.slice/nginx.service'), 'web1');
    assert.equal(containerOf('/lxc/db-2'), 'db-2');
    assert.equal(containerOf('/kubepods/burstable/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0'), null);
    assert.equal(containerOf(`/system.slice/docker-${ID.slice(0, 12)}.scope`), null);
    assert.equal(containerOf(`/docker/${ID.toUpperCase()}`), null);
  });
});
