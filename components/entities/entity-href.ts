/** The timeline page of an entity; keys may hold "/" or spaces, so each part is encoded. */
export const entityHref = (type: string, key: string) => `/entities/${encodeURIComponent(type)}/${encodeURIComponent(key)}`;
