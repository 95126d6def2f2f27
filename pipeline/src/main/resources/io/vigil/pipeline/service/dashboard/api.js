// Calls to the vigil API: reads without a token, changes with the bearer token, which is asked
// for once and kept in sessionStorage (this tab only). Errors carry the API's JSON message.

const TOKEN_KEY = 'vigil.token';
let asking = null;

export function hasToken() {
  return !!sessionStorage.getItem(TOKEN_KEY);
}

export function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Asks for the token in a dialog; resolves with it, rejects when the dialog is cancelled. */
export function askToken(reason) {
  if (asking) return asking;
  const dialog = document.getElementById('token-dialog');
  const form = document.getElementById('token-form');
  const input = document.getElementById('token-input');
  const cancel = document.getElementById('token-cancel');
  const note = dialog.querySelector('p');
  if (reason) note.textContent = reason;
  asking = new Promise((resolve, reject) => {
    const done = () => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      asking = null;
    };
    const onSubmit = (event) => {
      event.preventDefault();
      const value = input.value.trim();
      if (!value) return;
      sessionStorage.setItem(TOKEN_KEY, value);
      input.value = '';
      dialog.close();
      done();
      resolve(value);
    };
    const onCancel = () => {
      dialog.close();
      done();
      reject(new Error('no token given: nothing was changed'));
    };
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.showModal();
    input.focus();
  });
  return asking;
}

async function errorOf(response) {
  let message;
  try {
    const body = await response.json();
    message = body.message || JSON.stringify(body);
  } catch (e) {
    message = response.statusText || 'no message';
  }
  const error = new Error(`${response.status}: ${message}`);
  error.status = response.status;
  return error;
}

/** GET as JSON. */
export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw await errorOf(response);
  return response.json();
}

/**
 * A call that changes something. body: undefined, a FormData (sent as multipart) or a value sent as
 * JSON. A 401 forgets the token and asks for it once more.
 */
export async function send(method, path, body) {
  for (let attempt = 0; ; attempt++) {
    const token = sessionStorage.getItem(TOKEN_KEY) || (await askToken());
    const headers = { Authorization: `Bearer ${token}`, Accept: 'application/json' };
    let payload = body;
    if (body !== undefined && !(body instanceof FormData)) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const response = await fetch(path, { method, headers, body: payload });
    if (response.status === 401 && attempt === 0) {
      const error = await errorOf(response);
      forgetToken();
      await askToken(`The token was refused (${error.message}). Enter it again.`);
      continue;
    }
    if (!response.ok) throw await errorOf(response);
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }
}

/** A short message in the corner; errors stay longer. */
export function toast(text, error = false) {
  const box = document.getElementById('toasts');
  const item = document.createElement('div');
  item.className = error ? 'toast error' : 'toast';
  item.setAttribute('role', error ? 'alert' : 'status');
  item.textContent = text;
  box.appendChild(item);
  setTimeout(() => item.remove(), error ? 12000 : 6000);
  while (box.children.length > 5) box.firstChild.remove();
}
