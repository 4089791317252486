// How a material names the data resource it is read from: "340000:hukou.person", or a plain id for the
// node's own region. Pure and without imports, so Node tests use it as it is.

/** A resource reference as region and id; a plain id is the own region's. */
export function resourceRef(ref: string, ownRegion: string): { region: string; id: string } {
  const m = /^([0-9]{6}):(.+)$/.exec(ref);
  return m ? { region: m[1]!, id: m[2]! } : { region: ownRegion, id: ref };
}
