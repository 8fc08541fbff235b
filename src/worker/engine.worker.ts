/**
 * The engine worker: exposes one `Engine` (the `EngineApi`) to the page that started it, over
 * comlink. The page starts this worker only while it holds the profile's Web Lock
 * (src/lib/ui/engine-client.ts), so two engines never advance the same ratchet.
 */
import { expose } from 'comlink';
import { Engine } from '../lib/engine/engine.js';
import { installRpcErrors } from '../lib/engine/rpc.js';

installRpcErrors();
expose(new Engine());
