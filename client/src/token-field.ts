import { describeOwner, forgetToken, readToken, saveToken } from './session-token.js';

export interface TokenFieldOptions {
  form: HTMLFormElement;
  input: HTMLInputElement;
  forget: HTMLButtonElement;
  /** Says whose uploads these are. */
  owner: HTMLElement;
}

/**
 * The "Your token" form: a pasted token replaces the session's, Forget drops it. The field
 * is cleared once the token is kept, so it is not left on screen; the owner line says who
 * the page now uploads as. Uploads already running keep their token until Resume.
 */
export function setUpTokenField({ form, input, forget, owner }: TokenFieldOptions): void {
  const show = (): void => {
    const token = readToken();
    owner.textContent = `Uploading as ${describeOwner(token)}.`;
    forget.disabled = token === undefined;
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (token === '') {
      input.focus();
      return;
    }
    saveToken(token);
    input.value = '';
    show();
  });
  forget.addEventListener('click', () => {
    forgetToken();
    show();
    input.focus();
  });
  show();
}
