/** Opens a profile's store as the engine does for a profile without passphrase: the device key, made on first use. */
import { newKeyring, openKeyring } from '../../../src/lib/engine/keyring.js';
import { Store } from '../../../src/lib/engine/store.js';
import { newDataKey, Vault } from '../../../src/lib/engine/vault.js';

export async function openStore(profile: string): Promise<Store> {
	const store = await Store.connect(profile);
	let keyring = await store.keyring();
	if (!keyring) {
		keyring = await newKeyring(newDataKey(), '', false);
		await store.putKeyring(keyring);
	}
	await store.unlock(new Vault(await openKeyring(keyring)));
	return store;
}
