// One page object per screen of the console; the specs import them from here.
export { hydrated, MainMenu, Tab } from './screen';
export { Login } from './login';
export { Overview } from './overview';
export { TrunkList, TrunkEdit } from './trunks';
export type { TrunkGeneralFields, TrunkRegisterFields, TrunkSignallingFields } from './trunks';
export { UserList, UserEdit } from './users';
export type { UserFields } from './users';
export { ContextList, ContextEdit } from './contexts';
export { OutcallList, OutcallEdit } from './outcalls';
export { IncallList, IncallEdit } from './incalls';
export type { IncallFields } from './incalls';
export { Registry } from './registry';
export { Calls } from './calls';
export { Security } from './security';
export { Nat } from './nat';
