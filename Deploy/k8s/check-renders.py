#!/usr/bin/env python3
"""Checks on the rendered overlays that no schema or scanner can make: that the parts agree.

Usage: check-renders.py RENDER_DIR REPO_ROOT [--real-secrets]
RENDER_DIR holds <overlay>.yaml for every overlay (written by Deploy/k8s/validate).
Prints one line per problem ("FAIL …" or "WARN …") and exits 1 if any FAIL.
"""
import base64
import json
import binascii
import re
import sys
from pathlib import Path

import yaml

SITES = {"seoul": "haetae-seoul", "gwangju": "haetae-gwangju"}
CORES = {"daejeon": "haetae-daejeon", "daejeon-postgres": "haetae-daejeon"}
REGION = {"seoul": "seoul", "gwangju": "gwangju", "daejeon": "daejeon", "daejeon-postgres": "daejeon"}
# The mosquitto settings that keep the gateway's queue (DESIGN §4): they must stay as in
# Deploy/mosquitto/mosquitto.conf. persistence_location and max_queued_bytes are sized for the pod.
# And the security settings, which must stay as shipped too ("listener" is compared line by line).
BROKER_KEYS = ["per_listener_settings", "allow_anonymous", "require_certificate", "use_identity_as_username",
               "use_username_as_clientid", "persistence", "autosave_interval", "max_queued_messages",
               "max_inflight_messages", "queue_qos0_messages", "set_tcp_nodelay", "persistent_client_expiration"]

problems, warnings = [], []


def fail(overlay, message):
    problems.append(f"FAIL {overlay}: {message}")


def warn(overlay, message):
    warnings.append(f"WARN {overlay}: {message}")


def load(path):
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def find(docs, kind, name=None):
    return [d for d in docs if d["kind"] == kind and (name is None or d["metadata"]["name"] == name)]


def secret_data(docs, prefix):
    """The decoded data of the generated Secret whose name starts with prefix (hash suffix)."""
    # The generated name is the prefix and a hash without '-' (haetae-postgres- is not haetae-postgres-tls-…).
    found = [d for d in docs if d["kind"] == "Secret" and d["metadata"]["name"].startswith(prefix)
             and "-" not in d["metadata"]["name"][len(prefix):]]
    if len(found) != 1:
        return None
    return {k: base64.b64decode(v).decode() for k, v in (found[0].get("data") or {}).items()}


def config_file(docs, prefix, key):
    found = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith(prefix)]
    return yaml.safe_load(found[0]["data"][key]) if len(found) == 1 else None


def pod_specs(docs):
    for d in docs:
        if d["kind"] in ("Deployment", "StatefulSet"):
            yield d, d["spec"]["template"]["spec"]


def check_token(overlay, what, token):
    # As the edge and core read them: trimmed, printable ASCII without spaces, ≥ 16 characters.
    token = token.strip()
    if len(token) < 16 or not all(0x20 < ord(c) < 0x7F for c in token):
        fail(overlay, f"{what}: a token must be ≥ 16 printable ASCII characters without spaces")
    return token


def check_whsec(overlay, what, text):
    # As Webhooks.WebhookSecret(parsing:): "whsec_" + base64 of at least one byte.
    text = text.strip()
    body = text[len("whsec_"):].rstrip("=")
    try:
        ok = text.startswith("whsec_") and body and len(body) % 4 != 1 and \
            base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except binascii.Error:
        ok = False
    if not ok:
        fail(overlay, f"{what}: expected whsec_ followed by base64")


def check_users(overlay, text):
    """The page's accounts: present; with --real-secrets, valid lines and an admin (as UserFile reads them)."""
    if text is None:
        fail(overlay, "haetae-core-auth has no users.txt (the page's accounts)")
        return
    if "--real-secrets" not in sys.argv:
        return
    roles = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._@-]{0,63}):(viewer|operator|admin):(\$2[aby]\$\d\d\$[./A-Za-z0-9]{53})", line.strip())
        if not match:
            fail(overlay, f"users.txt:{number}: expected name:viewer|operator|admin:bcrypt-hash")
        else:
            roles.append(match[2])
    if "admin" not in roles:
        fail(overlay, "users.txt has no admin: nobody could manage the page's accounts (Deploy/k8s/make-secrets)")


def check_postgres_tls(overlay, docs):
    """PostgreSQL serves TLS with its certificate from haetae-postgres-tls and takes other pods over TLS only."""
    check_tls_secret(overlay, "haetae-postgres-tls", secret_data(docs, "haetae-postgres-tls-") or {}, ["tls.crt", "tls.key"])
    if secret_mount(docs, "StatefulSet", "haetae-postgres", "haetae-postgres-tls-") != "/etc/postgres/tls":
        fail(overlay, "the Secret haetae-postgres-tls must be mounted at /etc/postgres/tls")
    for workload, spec in pod_specs(docs):
        if workload["metadata"]["name"] == "haetae-postgres":
            args = " ".join(spec["containers"][0].get("args", []))
            for setting in ("ssl=on", "ssl_cert_file=/etc/postgres/tls/tls.crt", "ssl_key_file=/etc/postgres/tls/tls.key",
                            "hba_file=/etc/postgres/hba/pg_hba.conf"):
                if setting not in args:
                    fail(overlay, f"haetae-postgres must run with -c {setting}")
    hba = [d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"].startswith("haetae-postgres-hba")]
    lines = [l.split() for l in (hba[0]["data"].get("pg_hba.conf", "") if hba else "").splitlines() if l.strip() and not l.startswith("#")]
    if not lines or any(l[0] == "host" and l[3] not in ("127.0.0.1/32", "::1/128") for l in lines):
        fail(overlay, "pg_hba.conf (haetae-postgres-hba) must take other pods over hostssl only")


def secret_mount(docs, workload_kind, workload_name, secret_prefix):
    """Where the container of the workload mounts the Secret named secret_prefix…, or None."""
    for workload in find(docs, workload_kind):
        if workload["metadata"]["name"] != workload_name:
            continue
        spec = workload["spec"]["template"]["spec"]
        volumes = {v["name"] for v in spec.get("volumes", []) if v.get("secret", {}).get("secretName", "").startswith(secret_prefix)}
        for mount in spec["containers"][0].get("volumeMounts", []):
            if mount["name"] in volumes and "subPath" not in mount:
                return mount["mountPath"]
    return None


def check_tls_secret(overlay, what, data, keys):
    """The keys exist; with --real-secrets each holds a PEM certificate or key."""
    for key in keys:
        if key not in data:
            fail(overlay, f"{what} has no {key}")
        elif "--real-secrets" in sys.argv and not data[key].lstrip().startswith("-----BEGIN "):
            fail(overlay, f"{what}/{key} is not PEM (Deploy/k8s/make-secrets)")


def check_common(overlay, docs):
    text = yaml.safe_dump_all(docs)
    if "set-by-overlay" in text:
        fail(overlay, "a value meant to be set by the overlay is still set-by-overlay")
    for workload, spec in pod_specs(docs):
        name = f"{workload['kind']}/{workload['metadata']['name']}"
        region = (spec.get("nodeSelector") or {}).get("topology.kubernetes.io/region")
        if region != REGION[overlay]:
            fail(overlay, f"{name} is pinned to region {region!r}, expected {REGION[overlay]!r}")
        # Service links would put HAETAE_…_PORT variables into the environment, which the
        # edge and core refuse as unknown config keys.
        if spec.get("enableServiceLinks") is not False:
            fail(overlay, f"{name}: enableServiceLinks must be false")
        for key, value in (workload["metadata"].get("annotations") or {}).items():
            if key.startswith("checkov.io/skip") and not re.fullmatch(r"CKV2?_K8S_\d+=\S.{9,}", value):
                fail(overlay, f"{name}: {key} must be CKV_K8S_nn=<reason>, got {value!r}")
    if any("PLACEHOLDER" in v for d in docs if d["kind"] == "Secret"
           for v in (secret_data(docs, d["metadata"]["name"]) or {}).values()):
        (fail if "--real-secrets" in sys.argv else warn)(
            overlay, "secrets still hold the public placeholder values (Deploy/k8s/make-secrets)")


def check_site(overlay, docs):
    """Returns {edge id: token} for the core's check."""
    site = overlay
    sets = find(docs, "StatefulSet")
    if [s["metadata"]["name"] for s in sets] != [f"haetae-edge-{site}"]:
        fail(overlay, f"expected one StatefulSet haetae-edge-{site}")
        return {}
    edge = sets[0]
    spec = edge["spec"]["template"]["spec"]
    replicas = edge["spec"]["replicas"]
    container = spec["containers"][0]
    env = {e["name"]: e.get("value") for e in container.get("env", [])}
    if env.get("HAETAE_EDGE_SITE") != site:
        fail(overlay, f"HAETAE_EDGE_SITE is {env.get('HAETAE_EDGE_SITE')!r}, expected {site!r}")
    if not (env.get("HAETAE_WEBHOOKS_DEFAULT_URL") or "").startswith(("http://", "https://")):
        fail(overlay, "HAETAE_WEBHOOKS_DEFAULT_URL must be an http(s) URL")

    config = config_file(docs, "haetae-edge-config", "edge.yaml")
    mqtt = config["mqtt"]
    # Two modes for several pods: the active/standby pair (the default: one persistent session,
    # one owner), or, opt-in, peers on one shared subscription (README "One owner per site").
    pair = "ownership" in config
    shared = all(t.startswith("$share/") for t in mqtt["topics"])
    if replicas > 1 and pair:
        if replicas != 2:
            warn(overlay, f"{replicas} edges in one pair: one is active, the others stand by")
        if mqtt.get("clean_session", False) or int(mqtt.get("qos", 1)) != 1 or any(t.startswith("$share/") for t in mqtt["topics"]):
            fail(overlay, "an edge pair needs the persistent session: clean_session: false, qos: 1, no $share/… topics")
        if not (config.get("ownership") or {}).get("heartbeat_timeout"):
            warn(overlay, "ownership.heartbeat_timeout not set: the default (3s) applies")
        for name in ("HAETAE_OWNERSHIP_CLIENT_ID",):
            if name not in env:
                fail(overlay, f"{name} must be the pod name: each pod's own connection needs its own client id")
        if str((mqtt.get("tls") or {}).get("cert_file", "")) != "/etc/haetae/tls/session.crt":
            fail(overlay, "mqtt.tls.cert_file must be the site's session certificate /etc/haetae/tls/session.crt, the same in both pods")
        # The pair on different nodes, and never both evicted at once.
        anti = ((spec.get("affinity") or {}).get("podAntiAffinity") or {})
        terms = anti.get("requiredDuringSchedulingIgnoredDuringExecution", []) + [
            t.get("podAffinityTerm", {}) for t in anti.get("preferredDuringSchedulingIgnoredDuringExecution", [])]
        if not any(t.get("topologyKey") == "kubernetes.io/hostname" for t in terms):
            fail(overlay, "the edge pair needs pod anti-affinity on kubernetes.io/hostname: one node failing must leave one edge")
        pdbs = [p for p in find(docs, "PodDisruptionBudget")
                if (p["spec"].get("selector") or {}).get("matchLabels", {}).get("app.kubernetes.io/name") == "haetae-edge"]
        if not pdbs or not (pdbs[0]["spec"].get("maxUnavailable") == 1 or pdbs[0]["spec"].get("minAvailable") == 1):
            fail(overlay, "the edge pair needs a PodDisruptionBudget with maxUnavailable: 1 (or minAvailable: 1): a drain takes one at a time")
        if container.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/readyz":
            fail(overlay, "the edges' readiness probe must be /readyz (a standby is ready; the active needs its session)")
    elif replicas > 1:
        if not (shared and str(mqtt["protocol"]) == "5"):
            fail(overlay, "several edges need ownership: (an active/standby pair) or MQTT 5 and $share/… topics, or each gets every message")
        if not mqtt.get("clean_session", False):
            fail(overlay, "shared-subscription replicas need clean_session: true, or mosquitto keeps handing a stopped replica its share")
    if not config["forward"]["urls"][0].startswith("https://haetae-core.haetae-daejeon.svc:"):
        warn(overlay, "forward.urls does not point at haetae-core in haetae-daejeon over HTTPS")

    # TLS: the edge pods' certificates mounted where edge.yaml and the environment say; the
    # broker's certificate and rights where mosquitto.conf says.
    pods = [f"haetae-edge-{site}-{i}" for i in range(replicas)]
    edge_tls = secret_mount(docs, "StatefulSet", f"haetae-edge-{site}", "haetae-edge-tls-")
    if edge_tls != "/etc/haetae/tls":
        fail(overlay, "the Secret haetae-edge-tls must be mounted (as a directory) at /etc/haetae/tls")
    check_tls_secret(overlay, "haetae-edge-tls", secret_data(docs, "haetae-edge-tls-") or {},
                     ["ca.crt"] + (["session.crt", "session.key"] if pair else [])
                     + [f"{pod}.{ext}" for pod in pods for ext in ("crt", "key")])
    own = ("HAETAE_OWNERSHIP_TLS_CERT_FILE", "HAETAE_OWNERSHIP_TLS_KEY_FILE") if pair else ("HAETAE_MQTT_TLS_CERT_FILE", "HAETAE_MQTT_TLS_KEY_FILE")
    for name in own + ("HAETAE_FORWARD_TLS_CERT_FILE", "HAETAE_FORWARD_TLS_KEY_FILE"):
        if not (env.get(name) or "").startswith("/etc/haetae/tls/$(POD_NAME)."):
            fail(overlay, f"{name} must be /etc/haetae/tls/$(POD_NAME).crt/.key (this pod's certificate)")
    if int(mqtt.get("port", 0)) != 8883 or not str((mqtt.get("tls") or {}).get("ca_file", "")).startswith("/etc/haetae/tls/"):
        fail(overlay, "the edge must reach the broker over TLS: mqtt.port 8883 and mqtt.tls.ca_file in /etc/haetae/tls")
    if not str((config["forward"].get("tls") or {}).get("ca_file", "")).startswith("/etc/haetae/tls/"):
        fail(overlay, "forward.tls.ca_file must be the plant CA in /etc/haetae/tls")
    if secret_mount(docs, "Deployment", "mosquitto", "mosquitto-tls-") != "/mosquitto/certs":
        fail(overlay, "the Secret mosquitto-tls must be mounted at /mosquitto/certs")
    check_tls_secret(overlay, "mosquitto-tls", secret_data(docs, "mosquitto-tls-") or {}, ["ca.crt", "tls.crt", "tls.key"])
    if secret_mount(docs, "Deployment", "mosquitto", "mosquitto-identities-") != "/mosquitto/security":
        fail(overlay, "the Secret mosquitto-identities must be mounted at /mosquitto/security")
    rights = (secret_data(docs, "mosquitto-identities-") or {}).get("dynamic-security.json", "")
    if "--real-secrets" in sys.argv:
        try:
            clients = {c["username"] for c in json.loads(rights).get("clients", [])}
        except (ValueError, AttributeError):
            clients = set()
            fail(overlay, "mosquitto-identities/dynamic-security.json is not the plugin's JSON (Deploy/k8s/make-secrets)")
        needed = set(pods) | ({f"haetae-{site}"} if pair else set())
        if needed - clients:
            fail(overlay, f"mosquitto-identities has no identity for {sorted(needed - clients)}")

    # Rules: a directory mount of the unhashed ConfigMap, so that edits reach the running edge.
    rules = [v for v in spec["volumes"] if v.get("configMap", {}).get("name") == "haetae-rules"]
    mounts = [m for m in container["volumeMounts"] if rules and m["name"] == rules[0]["name"]]
    if not find(docs, "ConfigMap", "haetae-rules") or not mounts or any("subPath" in m for m in mounts):
        fail(overlay, "the rules ConfigMap haetae-rules must be mounted as a directory (no subPath, no hash)")

    tokens = secret_data(docs, "haetae-edge-forward-tokens-") or {}
    expected = {f"haetae-edge-{site}-{i}" for i in range(replicas)}
    if expected - set(tokens):
        fail(overlay, f"haetae-edge-forward-tokens has no token for {sorted(expected - set(tokens))}")
    if set(tokens) - expected:
        warn(overlay, f"haetae-edge-forward-tokens has tokens for pods that do not run: {sorted(set(tokens) - expected)}")
    for key, value in (secret_data(docs, "haetae-edge-webhooks-") or {"default": ""}).items():
        check_whsec(overlay, f"haetae-edge-webhooks/{key}", value)
    return {edge_id: check_token(overlay, f"token of {edge_id}", t) for edge_id, t in tokens.items()}


def check_core(overlay, docs, edges):
    auth = secret_data(docs, "haetae-core-auth-") or {}
    entries = yaml.safe_load(auth.get("edge-tokens.yaml", "")) or {}
    # Each entry is {token: …, sites: [site]} (an edge may write its own site only) or, the older
    # form, a bare token (any site): refused here, the shipped manifests must restrict every edge.
    core_tokens = {}
    for edge_id, entry in entries.items():
        if not isinstance(entry, dict):
            fail(overlay, f"edge-tokens.yaml {edge_id}: give it its sites ({{token: …, sites: [site]}}), not a bare token")
            continue
        core_tokens[edge_id] = str(entry.get("token", "")).strip()
        site = edge_id.split("-")[2] if edge_id.count("-") >= 3 else None
        if site and entry.get("sites") != [site]:
            fail(overlay, f"edge-tokens.yaml {edge_id}: sites must be [{site}], got {entry.get('sites')}")
    check_token(overlay, "read-token", auth.get("read-token", ""))
    check_users(overlay, auth.get("users.txt"))
    for edge_id, token in core_tokens.items():
        check_token(overlay, f"edge-tokens.yaml {edge_id}", token)
    if set(edges) - set(core_tokens):
        fail(overlay, f"edge-tokens.yaml does not list {sorted(set(edges) - set(core_tokens))}")
    if set(core_tokens) - set(edges):
        warn(overlay, f"edge-tokens.yaml lists edges no site has a token for: {sorted(set(core_tokens) - set(edges))}")
    for edge_id in sorted(set(core_tokens) & set(edges)):
        if core_tokens[edge_id] != edges[edge_id]:
            fail(overlay, f"the token of {edge_id} differs between its site and edge-tokens.yaml")
    if len(set(core_tokens.values())) != len(core_tokens):
        fail(overlay, "two edges share a token: the core would take one edge's batches for the other's")

    if secret_mount(docs, "Deployment", "haetae-core", "haetae-core-tls-") != "/etc/haetae/tls":
        fail(overlay, "the Secret haetae-core-tls must be mounted at /etc/haetae/tls")
    check_tls_secret(overlay, "haetae-core-tls", secret_data(docs, "haetae-core-tls-") or {}, ["ca.crt", "tls.crt", "tls.key"])
    core_config = config_file(docs, "haetae-core-config", "core.yaml") or {}
    if (core_config.get("auth") or {}).get("users_file") != "/etc/haetae/auth/users.txt":
        fail(overlay, "core.yaml auth.users_file must be /etc/haetae/auth/users.txt (the page's accounts, from haetae-core-auth)")
    tls = (core_config.get("http") or {}).get("tls") or {}
    if not all(str(tls.get(key, "")).startswith("/etc/haetae/tls/") for key in ("cert_file", "key_file", "client_ca_file")):
        fail(overlay, "core.yaml http.tls (cert_file, key_file, client_ca_file) must be in /etc/haetae/tls: HTTPS with mutual TLS")
    for workload, spec in pod_specs(docs):
        if workload["metadata"]["name"] == "haetae-core":
            for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                get = (spec["containers"][0].get(probe) or {}).get("httpGet")
                if get and get.get("scheme") != "HTTPS":
                    fail(overlay, f"haetae-core {probe} must use scheme HTTPS")

    policy = find(docs, "NetworkPolicy", "haetae-core")
    allowed = {v for p in policy for rule in p["spec"]["ingress"] for peer in rule["from"]
               for e in peer.get("namespaceSelector", {}).get("matchExpressions", []) for v in e["values"]}
    for namespace in SITES.values():
        if namespace not in allowed:
            fail(overlay, f"the core's NetworkPolicy does not let edges in from {namespace}")

    if overlay == "daejeon-postgres":
        check_postgres_tls(overlay, docs)
        pg = secret_data(docs, "haetae-postgres-") or {}
        password, url = pg.get("password", "").strip(), pg.get("url", "").strip()
        match = re.fullmatch(r"postgres(?:ql)?://([^:@/]+):([^@]*)@([^:/]+)(?::(\d+))?/(\w+)(\?.*)?", url)
        if not match:
            fail(overlay, "haetae-postgres/url must be postgres://user:password@host:port/database?…")
        elif set((match[6] or "?").lstrip("?").split("&")) != {"sslmode=verify-full", "sslrootcert=/etc/haetae/tls/ca.crt"}:
            fail(overlay, "haetae-postgres/url must end ?sslmode=verify-full&sslrootcert=/etc/haetae/tls/ca.crt: "
                          "the core talks to PostgreSQL over TLS and verifies it against the plant CA")
        elif (match[2], match[3], match[1], match[5]) != (password, "haetae-postgres", "haetae", "haetae"):
            fail(overlay, "haetae-postgres/url must use the password in haetae-postgres/password, "
                          "host haetae-postgres, user haetae and database haetae")


def check_broker_config(repo):
    def settings(path):
        pairs = (line.split(None, 1) for line in path.read_text().splitlines() if line.strip() and not line.startswith("#"))
        return {k: v.strip() for k, v in pairs}
    shipped = settings(repo / "Deploy/mosquitto/mosquitto.conf")
    ours = settings(repo / "Deploy/k8s/base/site/mosquitto.conf")
    for key in BROKER_KEYS:
        if ours.get(key) != shipped.get(key):
            fail("base/site", f"mosquitto.conf {key} is {ours.get(key)!r}, Deploy/mosquitto/mosquitto.conf has {shipped.get(key)!r}")
    def listeners(path):
        return [line.split(None, 1)[1].strip() for line in path.read_text().splitlines() if line.startswith("listener ")]
    if listeners(repo / "Deploy/k8s/base/site/mosquitto.conf") != listeners(repo / "Deploy/mosquitto/mosquitto.conf"):
        fail("base/site", "mosquitto.conf listeners differ from Deploy/mosquitto/mosquitto.conf (TLS 8883 for all, 1883 on loopback only)")
    if ours.get("plugin_opt_config_file", "").rsplit("/", 1)[0] != "/mosquitto/security":
        fail("base/site", "mosquitto.conf plugin_opt_config_file must be in the mounted Secret mosquitto-identities, /mosquitto/security/")
    for key in ("cafile", "certfile", "keyfile"):
        if not ours.get(key, "").startswith("/mosquitto/certs/"):
            fail("base/site", f"mosquitto.conf {key} must be in the mounted Secret mosquitto-tls, /mosquitto/certs/")
    if not 0 < int(ours.get("max_queued_bytes", "0")):
        fail("base/site", "mosquitto.conf needs a max_queued_bytes limit")
    if ours.get("persistence_location") != "/mosquitto/data/":
        fail("base/site", "mosquitto.conf persistence_location must be the PVC, /mosquitto/data/")


def main():
    renders, repo = Path(sys.argv[1]), Path(sys.argv[2])
    check_broker_config(repo)
    edges = {}
    for overlay in list(SITES) + list(CORES):
        docs = load(renders / f"{overlay}.yaml")
        check_common(overlay, docs)
        if overlay in SITES:
            edges.update(check_site(overlay, docs))
        else:
            check_core(overlay, docs, edges)
    for line in warnings + problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
