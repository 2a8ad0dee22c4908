// npm run sandbox -- <command> [arguments] [--openid <id>] [--url <server>] [--encryption plain|compatible|safe]
// Plays a WeChat follower against a running Fanbase in sandbox mode, through the simulator API
// (/sandbox/wechat/_sim): the push goes to /wechat as WeChat sends it and the passive reply is printed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FeedMessage, SandboxAction, SandboxActionResult, SandboxFeed, SandboxFollower, SandboxFollowerList, SandboxState } from '@fanbase/shared/contracts/sandbox';
import { runScript } from './lib/run';

const USAGE = `usage: npm run sandbox -- <command> [options]

commands:
  follow [--scene S]         follow the account (S: a QR ticket or scene value)
  unfollow                   stop following
  scan --scene S             scan a parametric QR code while following
  click <KEY>                tap a click menu button
  view <URL>                 tap a view menu button
  text <content…>            send a text message
  location <lat> <lng> [label…]
  image [picUrl]             send a photo
  followers                  list the sandbox's followers
  feed                       show the follower's conversation

options:
  --openid <id>              act as this follower (default: the CLI's own, created once, kept in ./data/sandbox-cli.json)
  --url <server>             Fanbase's address (default http://127.0.0.1:$PORT, PORT 3000)
  --encryption <mode>        plain, compatible or safe (default: safe when the account has an EncodingAESKey)`;

const STATE_FILE = path.resolve('data', 'sandbox-cli.json');
const ENCRYPTIONS = ['plain', 'compatible', 'safe'] as const;
// Negative coordinates would read as options: they are carried through parseArgs under a mark.
const NEGATIVE = '\u0000neg:';

runScript(async () => {
  const raw = process.argv.slice(2).map((a) => (/^-\d+(\.\d+)?$/.test(a) ? `${NEGATIVE}${a}` : a));
  const { values, positionals: marked } = parseArgs({
    args: raw,
    options: {
      openid: { type: 'string' },
      url: { type: 'string' },
      encryption: { type: 'string' },
      scene: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const positionals = marked.map((p) => (p.startsWith(NEGATIVE) ? p.slice(NEGATIVE.length) : p));
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    if (!command && !values.help) process.exitCode = 1;
    return;
  }
  const encryption = values.encryption;
  if (encryption !== undefined && !(ENCRYPTIONS as readonly string[]).includes(encryption)) throw new Error(`--encryption must be one of ${ENCRYPTIONS.join(', ')}`);

  const base = (values.url ?? `http://127.0.0.1:${process.env['PORT'] || 3000}`).replace(/\/+$/, '');
  const sim = createSimClient(base);
  const state = await sim.state();

  if (command === 'followers') {
    const { items } = await sim.get<SandboxFollowerList>('/followers');
    if (items.length === 0) console.log('no followers yet: `npm run sandbox -- follow` creates one');
    for (const f of items) {
      console.log(`${f.openId}  ${f.nickname}  ${f.subscribed ? `following since ${f.subscribedAt ?? '?'}` : 'not following'}${f.tagIds.length ? `  tags ${f.tagIds.join(',')}` : ''}`);
    }
    return;
  }

  const openId = values.openid ?? (await cliFollower(sim, base));
  if (command === 'feed') {
    const { items } = await sim.get<SandboxFeed>(`/followers/${encodeURIComponent(openId)}/feed`);
    if (items.length === 0) console.log('(the conversation is empty)');
    for (const item of items) printItem(item);
    return;
  }

  const action = toAction(command, rest, values.scene);
  if (encryption) (action as { encryption?: string }).encryption = encryption;
  const before = await sim.get<SandboxFeed>(`/followers/${encodeURIComponent(openId)}/feed`);
  const last = before.items.length > 0 ? before.items[before.items.length - 1]!.id : 0;
  const result = await sim.post<SandboxActionResult>(`/followers/${encodeURIComponent(openId)}/actions`, action);
  console.log(`${openId} → ${command} (${action.encryption ?? state.account.encryption} mode): /wechat answered ${result.status}`);
  console.log(result.reply ? `passive reply: ${describe(result.reply)}` : 'passive reply: none');
  // What else reached the member meanwhile (customer-service, template, mass messages).
  const after = await sim.get<SandboxFeed>(`/followers/${encodeURIComponent(openId)}/feed?after=${last}`);
  const others = after.items.filter((m) => m.direction === 'out' && m.id !== result.reply?.id);
  if (others.length > 0) {
    console.log('also received:');
    for (const item of others) printItem(item);
  }
});

function toAction(command: string, args: string[], scene: string | undefined): SandboxAction {
  const need = (value: string | undefined, what: string) => {
    if (!value) throw new Error(`${command} needs ${what}\n\n${USAGE}`);
    return value;
  };
  switch (command) {
    case 'follow':
      return scene ? { type: 'follow', scene } : { type: 'follow' };
    case 'unfollow':
      return { type: 'unfollow' };
    case 'scan':
      return { type: 'scan', scene: need(scene, '--scene <ticket or scene>') };
    case 'click':
      return { type: 'click', key: need(args[0], 'a menu key') };
    case 'view':
      return { type: 'view', url: need(args[0], 'a URL') };
    case 'text':
      return { type: 'text', content: need(args.join(' ') || undefined, 'some text') };
    case 'location': {
      const latitude = Number(need(args[0], '<lat> <lng>'));
      const longitude = Number(need(args[1], '<lat> <lng>'));
      if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) throw new Error('location needs numbers: <lat> <lng> [label]');
      const label = args.slice(2).join(' ');
      return label ? { type: 'location', latitude, longitude, label } : { type: 'location', latitude, longitude };
    }
    case 'image':
      return args[0] ? { type: 'image', picUrl: args[0] } : { type: 'image' };
    default:
      throw new Error(`unknown command "${command}"\n\n${USAGE}`);
  }
}

function createSimClient(base: string) {
  const root = `${base}/sandbox/wechat/_sim`;
  async function call<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(root + route, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new Error(`cannot reach Fanbase at ${base} (${cause}): is it running? Start it with \`npm start\`, or pass --url`);
    }
    const text = await res.text();
    if (res.status === 404 && route === '/state') {
      throw new Error(`${base} does not run the WeChat sandbox (it is mounted only when WECHAT_MODE=sandbox)`);
    }
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: reported below with the status.
    }
    if (!res.ok) {
      const err = data as { code?: string; message?: string } | null;
      throw new Error(err?.code ? `${err.code}: ${err.message ?? ''}` : `HTTP ${res.status} from ${route}`);
    }
    return data as T;
  }
  return {
    state: () => call<SandboxState>('GET', '/state'),
    get: <T>(route: string) => call<T>('GET', route),
    post: <T>(route: string, body: unknown) => call<T>('POST', route, body),
  };
}

/** The CLI's own follower on this server, created the first time (or again after the sandbox restarted). */
async function cliFollower(sim: ReturnType<typeof createSimClient>, base: string): Promise<string> {
  let saved: Record<string, string> = {};
  try {
    saved = (JSON.parse(readFileSync(STATE_FILE, 'utf8')) as { followers?: Record<string, string> }).followers ?? {};
  } catch {
    // No file yet, or unreadable: start afresh.
  }
  const known = saved[base];
  if (known) {
    const { items } = await sim.get<SandboxFollowerList>('/followers');
    if (items.some((f) => f.openId === known)) return known;
  }
  const created = await sim.post<SandboxFollower>('/followers', { nickname: '命令行粉丝' });
  saved[base] = created.openId;
  mkdirSync(path.dirname(STATE_FILE), { recursive: true });
  writeFileSync(STATE_FILE, `${JSON.stringify({ followers: saved }, null, 2)}\n`);
  console.log(`created the CLI follower ${created.openId} (${created.nickname}), remembered in ${path.relative(process.cwd(), STATE_FILE)}`);
  return created.openId;
}

function describe(item: FeedMessage): string {
  const m = item.message;
  switch (m.type) {
    case 'text':
      return m.content;
    case 'image':
      return `[image] ${m.picUrl ?? m.mediaId ?? ''}`.trim();
    case 'news':
      return m.articles.map((a) => `[article] ${a.title}${a.description ? ` — ${a.description}` : ''}${a.url ? ` <${a.url}>` : ''}`).join('\n  ');
    case 'event':
      return `[${m.event}${m.key ? ` ${m.key}` : ''}]`;
    case 'location':
      return `[location ${m.latitude},${m.longitude}${m.label ? ` ${m.label}` : ''}]`;
    case 'template':
      return `[template ${m.templateId}] ${Object.entries(m.data).map(([k, v]) => `${k}: ${v.value}`).join('; ')}${m.url ? ` <${m.url}>` : ''}`;
    case 'transfer_customer_service':
      return '[handed over to a customer-service agent]';
  }
}

function printItem(item: FeedMessage): void {
  const who = item.direction === 'in' ? 'me' : item.channel;
  console.log(`  #${item.id} ${item.at.slice(0, 19).replace('T', ' ')} ${who.padEnd(8)} ${describe(item)}`);
}
